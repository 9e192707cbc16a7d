package handle

func Open() {}
