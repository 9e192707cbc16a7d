# dockhard's own alpine runtime before it kept the package database: Trivy saw no packages.
FROM golang:1.26.1-trixie AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM alpine:3.24.1
RUN echo 'app:x:65532:65532:app:/nonexistent:/sbin/nologin' >> /etc/passwd \
 && chmod -R a-w /lib /usr \
 && find /etc ! -path /etc/hosts ! -path /etc/resolv.conf ! -path /etc/hostname -exec chmod a-w {} + \
 && rm -rf /etc/apk /lib/apk /usr/share/apk /var/cache/apk /bin /sbin /usr/bin /usr/sbin /usr/local/bin
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
