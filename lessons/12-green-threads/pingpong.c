/* pingpong.c - two contexts on one kernel thread take turns with swapcontext. */
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

static ucontext_t main_ctx, ping_ctx;
static char ping_stack[64 * 1024]; /* a static stack keeps the example short; the exercise allocates */

static void ping(void)
{
	for (int i = 0; i < 3; i++) {
		printf("ping %d\n", i);
		if (swapcontext(&ping_ctx, &main_ctx) == -1) /* save ping here, resume main */
			abort();
	}
	printf("ping done\n"); /* returning goes to uc_link: main_ctx */
}

int main(void)
{
	if (getcontext(&ping_ctx) == -1)
		abort();
	ping_ctx.uc_stack.ss_sp = ping_stack;
	ping_ctx.uc_stack.ss_size = sizeof ping_stack;
	ping_ctx.uc_link = &main_ctx; /* where to go when ping() returns */
	makecontext(&ping_ctx, ping, 0);
	for (int i = 0; i < 4; i++) {
		printf("main %d\n", i);
		if (swapcontext(&main_ctx, &ping_ctx) == -1) /* save main here, resume ping */
			abort();
	}
	printf("main done\n");
	return 0;
}
