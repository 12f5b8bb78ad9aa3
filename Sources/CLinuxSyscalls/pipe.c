// pipe2(2) is a GNU extension of <unistd.h>: declared only with _GNU_SOURCE.
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "CLinuxSyscalls.h"

int cutaway_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
