# Files whose names only look like credentials: nothing to report.
FROM golang:1.26.1-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
COPY docs/netrc.example.md /docs/
COPY keys/id_ed25519.pub /etc/app/trusted.pub
RUN --mount=type=secret,id=netrc,target=/root/.netrc,required=true go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
