FROM golang:1.26.1-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM alpine:3.24.1
RUN apk add ca-certificates  && chmod -R a-w /etc /lib /usr  && rm -rf /etc/apk /lib/apk /bin /sbin /usr/bin /usr/sbin
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
