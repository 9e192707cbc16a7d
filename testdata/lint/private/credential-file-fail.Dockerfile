# Credential files copied into a stage, the builder as much as the final
# one. Every instruction after a "# want" comment must be reported.
FROM golang:1.26.1-trixie AS builder
WORKDIR /src
# want
COPY .netrc /root/.netrc
# want
COPY netrc /root/.netrc
# want
ADD .git-credentials /root/
# want
COPY deploy/id_ed25519 /root/.ssh/id_ed25519
# want
COPY .ssh /root/.ssh
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM scratch
# want
COPY --from=builder /root/.netrc /netrc
COPY --from=builder /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
