FROM ubuntu:24.04 AS builder
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y golang-go
COPY app.go .
RUN CGO_ENABLED=0 go build app.go
# Tags Fixadas
FROM alpine:3.20.2
# Removida permissão de escrita nesse diretório
RUN chmod a-w /etc
# Criando um usuário para não utilizar o root
RUN addgroup -S appgroup && adduser -S appuser -G appgroup -h /home/appuser
# Removendo os shells e outros bin
RUN rm -rf /bin/*
# Copiando agora direto para pasta do usuário
COPY --from=builder /app /home/appuser
# Alterando o usuário e diretório
USER appuser
WORKDIR /home/appuser
CMD ["./app"]
