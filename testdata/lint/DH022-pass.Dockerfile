# The same file with pinned defaults: nothing is left to the build.
ARG GO_VERSION=1.23.1
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
FROM golang:${GO_VERSION}-bookworm AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM ${BASE_IMAGE}
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
