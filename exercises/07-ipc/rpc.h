/*
 * rpc.h - lesson 07, exercise "rpc": requests and replies between two
 * processes over a socketpair, a two-way channel.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your rpc.c against its own pristine copy of this file.
 */
#ifndef RPC_H
#define RPC_H

#include <stddef.h>

/* The service: computes the reply to one request.  Runs in the server process. */
typedef long (*rpc_service)(long request);

/*
 * rpc_call_all - start a server: one child process, connected to the
 * caller by one socketpair(AF_UNIX, SOCK_STREAM) (each side closes the end
 * it does not use).  The server reads a request (one long), writes back
 * service(request), and repeats until end of file, then ends with
 * _exit(0).  The caller sends requests[0], reads its reply into
 * replies[0], then requests[1], and so on: one request in flight at a
 * time.  Then it closes its end (the server sees end of file) and waits
 * for the server.
 *
 * A read or a write may move fewer bytes than asked, or fail with EINTR
 * (interrupted by a signal): both sides go on until each long has gone
 * through whole, and a wait interrupted the same way is retried.  A
 * server that is gone must not kill the caller: the caller sends with
 * MSG_NOSIGNAL (writing to a socket whose other end is closed raises
 * SIGPIPE, which ends a process by default), and leaves its own signal
 * actions as they were.
 *
 * Returns 0; or -1 with errno set: ECHILD if the server ended, or stopped
 * reading, before replying to every request (end of file where a reply
 * should be, or EPIPE from a send), or the errno of a failed socketpair,
 * fork, read, write or waitpid.  No descriptor is left open and no zombie,
 * whatever happened.
 */
int rpc_call_all(rpc_service service, const long *requests, long *replies, size_t n);

#endif
