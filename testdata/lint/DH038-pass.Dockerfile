# Credentials lent to the one RUN that needs them: nothing to report.
FROM golang:1.26.1-trixie AS builder
ARG VERSION=1.2.3
ENV GOPROXY=https://proxy.golang.org,direct
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=secret,id=netrc,target=/root/.netrc,required=true \
    GOPRIVATE=github.com/acme/* GONOPROXY=github.com/acme/* GONOSUMDB=github.com/acme/* \
    go mod download
RUN --mount=type=ssh,required=true \
    GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=url.ssh://git@github.com/.insteadOf GIT_CONFIG_VALUE_0=https://github.com/ \
    go mod download
RUN --mount=type=secret,id=token \
    printf 'machine github.com login x password %s\n' "$(cat /run/secrets/token)" > /root/.netrc \
 && go mod download && rm -f /root/.netrc
RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN GITHUB_TOKEN=$GITHUB_TOKEN go mod download
RUN git clone ssh://git@github.com/acme/tools.git /tools
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
