# Credentials written into the Dockerfile. Every instruction after a
# "# want" comment must be reported, and no other.
# want
ARG GOPROXY_URL=https://ci:s3cr3t@goproxy.corp.example.com
FROM golang:1.26.1-trixie AS builder
# want
ENV GOPROXY=https://x-access-token:${TOKEN}@goproxy.corp.example.com,direct
# want
ENV GH=ghp_0123456789abcdefghijABCDEFGHIJ0123
WORKDIR /src
COPY go.mod go.sum ./
# want
RUN git config --global url."https://oauth2:${GITLAB_TOKEN}@gitlab.com/".insteadOf "https://gitlab.com/"
# want
RUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"
# want
RUN GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ0123 go mod download
# want
RUN export NPM_TOKEN=abc123 && go mod download
# want
RUN echo "machine github.com login x password $TOKEN" > /root/.netrc && go mod download
# want
RUN git clone https://deploy:hunter2@git.corp.example.com/platform/auth.git /auth
# want
RUN git config --global credential.helper store
# want
RUN <<EOT
git config --global url."https://x:${TOKEN}@github.com/".insteadOf https://github.com/
go mod download
EOT
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
