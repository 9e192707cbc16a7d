package clock

import "time"

func In(zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err.Error()
	}
	return time.Now().In(loc).Format(time.RFC3339)
}
