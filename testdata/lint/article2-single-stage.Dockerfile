FROM golang:1.22

WORKDIR /app

COPY src/go.mod .
COPY src/main.go ./


RUN go build -o main .

CMD ["./main"]
