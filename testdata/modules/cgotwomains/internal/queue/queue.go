package queue

func Run() {}
