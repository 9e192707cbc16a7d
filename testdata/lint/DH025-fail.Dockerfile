# Real-world shape: the builder's Go version and the runtime base are
# chosen by whoever runs the build.
ARG GO_VERSION
ARG BASE_IMAGE
FROM golang:${GO_VERSION}-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM ${BASE_IMAGE}
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
