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

FROM scratch
COPY --from=builder /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
