// The lesson runner's self-pipe (signal_pipe.c).
#ifndef CLINUXSIGNALPIPE_H
#define CLINUXSIGNALPIPE_H

/// SIGINT, SIGTERM and SIGHUP write their number as one byte to `write_fd` (which should be
/// non-blocking) and do nothing else: async-signal-safe, see signal-safety(7).
int cutaway_signal_pipe_install(int write_fd);
/// Restores the default action of those signals and forgets the pipe.
int cutaway_signal_pipe_remove(void);

#endif
