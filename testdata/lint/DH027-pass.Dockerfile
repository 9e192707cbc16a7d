# Root-owned and read-only: the running user can read and run, not rewrite.
FROM golang:1.26.1-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=builder --chmod=0555 /out/app /app
COPY --from=builder --chown=root:root --chmod=0444 /src/config.json /config.json
USER 65532:65532
ENTRYPOINT ["/app"]
