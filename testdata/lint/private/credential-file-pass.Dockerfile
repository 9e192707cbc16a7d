# Files whose names only look like credentials: nothing to report.
FROM golang:1.26.1-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
COPY docs/netrc.example.md /docs/
COPY keys/id_ed25519.pub /etc/app/trusted.pub
RUN --mount=type=secret,id=netrc,target=/root/.netrc,required=true go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM scratch
COPY --from=builder /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
