//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNonBlocking makes opening a FIFO return at once instead of waiting
// for a writer; reads of regular files are unaffected.
const openNonBlocking = syscall.O_NONBLOCK

// ReadAt reads the file name in the open directory dir into buf (grown as
// needed) with openat, fstat, read and close only: os.ReadFile resolves the
// whole path, stats the file and registers it with the poller, which more
// than doubles the kernel's work in a scan of many small files. Only a
// regular file of at most GoSource.Max bytes is read (O_NOFOLLOW: a link
// is not followed out of the tree). The returned slice aliases buf.
func ReadAt(dir *os.File, dirPath, name string, buf []byte) ([]byte, error) {
	fd, err := syscall.Openat(int(dir.Fd()), name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, Special(dirPath+string(os.PathSeparator)+name, "is not a regular file; dockhard reads only regular files")
	}
	if st.Size > GoSource.Max {
		return nil, Special(dirPath+string(os.PathSeparator)+name, "is too large for a Go source file")
	}
	// Room for the whole file as fstat saw it, and a byte more: a read
	// that fills exactly st.Size bytes ends the loop without the extra
	// read that would only return end of file (one syscall in five in a
	// scan). A file that grows meanwhile may be read as it was at fstat.
	if need := int(st.Size) + 1; len(buf) < need {
		buf = make([]byte, need)
	}
	n := 0
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf)+4096)...)
		}
		if int64(n) > GoSource.Max {
			return nil, Special(dirPath+string(os.PathSeparator)+name, "is too large for a Go source file")
		}
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		n += m
		if m == 0 || int64(n) == st.Size {
			return buf[:n], nil
		}
	}
}
