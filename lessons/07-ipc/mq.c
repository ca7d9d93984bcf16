/* mq.c - three messages through a POSIX message queue; the most urgent comes out first. */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	struct mq_attr attr = {.mq_maxmsg = 8, .mq_msgsize = 64}; /* at most 8 messages of 64 bytes */
	mqd_t q = mq_open("/concur-mq", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	char buf[64]; /* mq_receive wants room for mq_msgsize bytes */
	unsigned prio;

	if (q == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	mq_unlink("/concur-mq"); /* the name goes now; the queue lives while q is open */
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) /* child: sends with priority 1, then 9, then 1 */
		_exit(mq_send(q, "first, low", 11, 1) || mq_send(q, "urgent", 7, 9) || mq_send(q, "third, low", 11, 1));
	if (waitpid(pid, NULL, 0) == -1) /* all three are in the queue now */
		perror("waitpid");
	for (int i = 0; i < 3; i++) {
		ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
		if (n == -1) {
			perror("mq_receive");
			return 1;
		}
		printf("%zd bytes, priority %u: %s\n", n, prio, buf);
	}
	mq_close(q);
	return 0;
}
