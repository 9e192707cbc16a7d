FROM cgr.dev/chainguard/go:latest AS builder

WORKDIR /app

COPY src/go.mod ./
RUN go mod download

COPY src/main.go ./

RUN CGO_ENABLED=0 GOOS=linux go build -ldflags="-s -w" -o main .

FROM gcr.io/distroless/static-debian12

COPY --from=builder /app/main /main

USER nonroot:nonroot

ENTRYPOINT ["/main"]
