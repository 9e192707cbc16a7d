package server

func Run(listen, peers string) {}
