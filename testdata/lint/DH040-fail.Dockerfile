# Go's module checks turned off. Every instruction after a "# want"
# comment must be reported, and no other.
# want
ARG GOFLAGS=-insecure
FROM golang:1.26.1-trixie AS builder
# want
ENV GOSUMDB=off
# want
ENV GONOSUMDB=*
# want
ENV GOPRIVATE=github.com/acme/*,*/*
# want
ENV GOINSECURE=git.corp.example.com
WORKDIR /src
COPY go.mod go.sum ./
# want
RUN GONOSUMCHECK=1 go mod download
# want
RUN go env -w GOSUMDB=off && go mod download
# want
RUN go get -insecure git.corp.example.com/platform/auth
# want
RUN GOFLAGS="-mod=mod -insecure" go mod download
# want
RUN GONOSUMDB='[a-z]*' go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=builder --chmod=0555 /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
