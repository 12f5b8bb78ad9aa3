// The self-pipe trick for the lesson runner: a signal handler that only write(2)s one byte
// (async-signal-safe, no allocation, no locks, no waitpid), so that the runner's poll(2) loop
// wakes up and ends the lesson's sandbox in ordinary code. See signal-safety(7).
#include "CLinuxSignalPipe.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t signal_pipe_fd = -1;
static const int signal_pipe_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void signal_pipe_handler(int signo) {
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    int fd = signal_pipe_fd;
    if (fd >= 0) {
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int cutaway_signal_pipe_install(int write_fd) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = signal_pipe_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    signal_pipe_fd = write_fd;
    for (size_t i = 0; i < sizeof signal_pipe_signals / sizeof signal_pipe_signals[0]; i++) {
        if (sigaction(signal_pipe_signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

int cutaway_signal_pipe_remove(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof signal_pipe_signals / sizeof signal_pipe_signals[0]; i++) {
        if (sigaction(signal_pipe_signals[i], &action, NULL) != 0) return -1;
    }
    signal_pipe_fd = -1;
    return 0;
}
