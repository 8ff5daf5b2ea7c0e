// Glibc's Swift module does not include <sys/epoll.h>: the event loops need it (Sources/DuradoraHTTP/Socket).
#include <sys/epoll.h>
