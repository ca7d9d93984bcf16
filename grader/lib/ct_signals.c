/*
 * ct_signals.c - the sigaction/signal wrappers, the handler trampoline and
 * the wrappers of calls that are not async-signal-safe (ct_signals.h).
 *
 * The per-signal table of student handlers is written by sigaction/signal
 * (in the thread that installs) and read by the trampoline (in whichever
 * thread the signal interrupts): every field is atomic, and a handler's
 * entry is written before the trampoline is installed for it.
 */
#define _GNU_SOURCE
#include "ct_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ct_locks.h"
#include "ct_pitfalls.h"
#include "ct_protocol.h"
#include "ct_test.h"
#include "ct_wrapper.h"

#define NSIG_TABLE 65
static struct {
	_Atomic(void (*)(int)) plain;                   /* sa_handler of the student */
	_Atomic(void (*)(int, siginfo_t *, void *)) info; /* sa_sigaction of the student (SA_SIGINFO) */
	atomic_int flags;				  /* sa_flags as the student gave them */
} installed[NSIG_TABLE];

static _Thread_local int in_handler; /* handlers running now in this thread (they may nest) */
static atomic_int handler_runs;
static _Atomic(const char *) first_unsafe;

void ct_signals_reset(void)
{
	handler_runs = 0;
	first_unsafe = NULL;
}

const char *ct_unsafe_in_handler(void) { return first_unsafe; }
int ct_handler_runs(void) { return handler_runs; }

void ct_note_unsafe(const char *name)
{
	const char *none = NULL;

	if (in_handler > 0)
		atomic_compare_exchange_strong(&first_unsafe, &none, name);
}

static void trampoline(int sig, siginfo_t *info, void *ctx)
{
	in_handler++;
	handler_runs++;
	if (sig > 0 && sig < NSIG_TABLE) {
		void (*with_info)(int, siginfo_t *, void *) = installed[sig].info;
		void (*plain)(int) = installed[sig].plain;
		if (with_info)
			with_info(sig, info, ctx);
		else if (plain)
			plain(sig);
	}
	in_handler--;
}

static bool is_handler(void (*h)(int)) { return h != SIG_DFL && h != SIG_IGN && h != SIG_ERR; }

/* Puts the student's handler back into what the kernel reports as old. */
static void report_student(int sig, struct sigaction *old)
{
	if (!old || sig <= 0 || sig >= NSIG_TABLE || old->sa_sigaction != trampoline)
		return;
	if (installed[sig].info)
		old->sa_sigaction = installed[sig].info;
	else
		old->sa_handler = installed[sig].plain;
	old->sa_flags = installed[sig].flags;
}

/*
 * Notes where the student's handler for sig is, for the harness: it reads
 * the handler's calls in the student's object and reports any that is not
 * async-signal-safe (grader/harness/screen.c).  Appends "SIG @0xOFFSET" to
 * the running test's CT_HANDLERS_FILE_FMT; only under the harness.
 */
static void note_handler(int sig, uintptr_t handler)
{
	char name[300], place[64], line[96];
	const char *test = ct_current_test_name();

	if (!test || !getenv(CT_RUN_ENV) || snprintf(name, sizeof name, CT_HANDLERS_FILE_FMT, test) >= (int)sizeof name)
		return;
	int fd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1)
		return;
	int n = snprintf(line, sizeof line, "%d %s\n", sig, ct_code_token(handler, place, sizeof place));
	/* Unwrapped: the grader's own write is neither counted nor made to fail. */
	if (n > 0 && ct_real_write(fd, line, (size_t)n) != n)
		perror("ct_signals: noting a handler");
	close(fd);
}

/* sigaction with the student's handler replaced by the trampoline; uncounted. */
static int install(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction mine;
	void (*prev_plain)(int) = NULL;
	void (*prev_info)(int, siginfo_t *, void *) = NULL;
	int prev_flags = 0;
	bool ours = false;

	if (act && sig > 0 && sig < NSIG_TABLE &&
	    ((act->sa_flags & SA_SIGINFO) ? act->sa_sigaction != NULL : is_handler(act->sa_handler))) {
		prev_plain = installed[sig].plain;
		prev_info = installed[sig].info;
		prev_flags = installed[sig].flags;
		mine = *act;
		installed[sig].flags = act->sa_flags;
		if (act->sa_flags & SA_SIGINFO) {
			installed[sig].info = act->sa_sigaction;
			installed[sig].plain = NULL;
		} else {
			installed[sig].plain = act->sa_handler;
			installed[sig].info = NULL;
		}
		mine.sa_sigaction = trampoline;
		mine.sa_flags |= SA_SIGINFO;
		note_handler(sig, (act->sa_flags & SA_SIGINFO) ? (uintptr_t)act->sa_sigaction : (uintptr_t)act->sa_handler);
		act = &mine;
		ours = true;
	}
	int r = __real_sigaction(sig, act, old);
	if (r == 0 && old && old->sa_sigaction == trampoline && ours) {
		/* old describes the handler replaced just now: report it as the student wrote it */
		if (prev_info)
			old->sa_sigaction = prev_info;
		else
			old->sa_handler = prev_plain;
		old->sa_flags = prev_flags;
	} else {
		report_student(sig, old);
	}
	return r;
}

int ct_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return __real_sigaction(sig, act, old);
}

int __wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	CT_ENTER(sigaction);
	return install(sig, act, old);
}

__sighandler_t __wrap_signal(int sig, __sighandler_t handler)
{
	CT_ENTER(signal);
	struct sigaction act = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;

	sigemptyset(&act.sa_mask);
	if (install(sig, &act, &old) == -1)
		return SIG_ERR;
	return old.sa_handler;
}

int __wrap_printf(const char *fmt, ...)
{
	va_list ap;

	ct_count_call(CT_CALL_printf);
	ct_note_unsafe("printf");
	va_start(ap, fmt);
	int r = __real_vprintf(fmt, ap);
	va_end(ap);
	return r;
}

int __wrap_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	ct_count_call(CT_CALL_fprintf);
	ct_note_unsafe("fprintf");
	va_start(ap, fmt);
	int r = __real_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int __wrap_vprintf(const char *fmt, va_list ap)
{
	ct_count_call(CT_CALL_vprintf);
	ct_note_unsafe("vprintf");
	return __real_vprintf(fmt, ap);
}

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	ct_count_call(CT_CALL_vfprintf);
	ct_note_unsafe("vfprintf");
	return __real_vfprintf(f, fmt, ap);
}

int __wrap_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;

	ct_count_call(CT_CALL_dprintf);
	ct_note_unsafe("dprintf");
	va_start(ap, fmt);
	int r = vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	ct_count_call(CT_CALL_fwrite);
	ct_note_unsafe("fwrite");
	return __real_fwrite(p, size, n, f);
}

int __wrap_puts(const char *s)
{
	ct_count_call(CT_CALL_puts);
	ct_note_unsafe("puts (what printf with a plain string becomes)");
	return __real_puts(s);
}

int __wrap_fputs(const char *s, FILE *f)
{
	ct_count_call(CT_CALL_fputs);
	ct_note_unsafe("fputs");
	return __real_fputs(s, f);
}

int __wrap_putchar(int c)
{
	ct_count_call(CT_CALL_putchar);
	ct_note_unsafe("putchar (what printf of one character becomes)");
	return __real_putchar(c);
}

void __wrap_perror(const char *s)
{
	ct_count_call(CT_CALL_perror);
	ct_note_unsafe("perror");
	__real_perror(s);
}

_Noreturn void __wrap_exit(int status)
{
	ct_count_call(CT_CALL_exit);
	ct_note_unsafe("exit (use _exit in a handler)");
	ct_pitfall_note_exit(status);
	__real_exit(status);
}
