FROM golang:1.26.1-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=builder /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
