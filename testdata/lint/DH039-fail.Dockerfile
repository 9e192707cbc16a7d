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

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
# want
COPY --from=builder /root/.netrc /netrc
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
