/*
 * race_reap.c - Helgrind driver for lesson 01, exercise "reap": forks three
 * children that end in different ways, 30 ms apart (so that a reap_all()
 * that waits in several threads has each of them reap one), then calls
 * reap_all().
 */
#include <signal.h>
#include <unistd.h>

#include "ct_driver.h"
#include "reap.h"

int main(void)
{
	struct child_end out[4];

	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();

		if (pid == -1)
			ct_driver_fail("fork failed");
		if (pid == 0) {
			usleep(30000 * (unsigned)(i + 1));
			if (i == 2)
				raise(SIGKILL);
			_exit(i);
		}
	}
	if (reap_all(out, 4) != 3)
		ct_driver_fail("reap_all(out, 4) did not return 3");
	ct_driver_pass();
}
