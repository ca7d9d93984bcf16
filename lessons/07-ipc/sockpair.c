/* sockpair.c - one socketpair, both ways; then a send to a peer that is gone. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int sv[2];
	char buf[16];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) { /* child: sv[1] only; one message in, "pong" out */
		close(sv[0]);
		ssize_t n = read(sv[1], buf, sizeof buf);
		_exit(n > 0 && send(sv[1], "pong", 4, MSG_NOSIGNAL) == 4 ? 0 : 1);
	}
	close(sv[1]); /* parent: sv[0] only */
	if (pid == -1 || send(sv[0], "ping", 4, MSG_NOSIGNAL) != 4)
		return 1;
	ssize_t r = read(sv[0], buf, sizeof buf);
	printf("parent got %zd bytes: %.*s\n", r, (int)(r > 0 ? r : 0), buf);
	waitpid(pid, NULL, 0); /* the child has ended: its end is closed */
	if (send(sv[0], "ping", 4, MSG_NOSIGNAL) == -1)
		printf("second send: %s\n", strerror(errno));
	close(sv[0]);
	return 0;
}
