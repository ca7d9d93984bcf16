/* shmnamed.c - a page of named shared memory: ./shmnamed TEXT leaves TEXT, ./shmnamed reads it, ./shmnamed remove */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME "/concur-note"
#define SIZE 4096

struct note {
	pid_t writer; /* 0 until someone leaves a note */
	char text[SIZE - sizeof(pid_t)];
};

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "remove") == 0) {
		if (shm_unlink(NAME) == -1) {
			perror("shm_unlink");
			return 1;
		}
		return 0;
	}
	int fd = shm_open(NAME, O_RDWR | O_CREAT, 0600); /* creates it, or opens the existing one */
	struct stat st;
	if (fd == -1 || fstat(fd, &st) == -1 || (st.st_size == 0 && ftruncate(fd, SIZE) == -1)) {
		perror("shm_open, fstat or ftruncate");
		return 1;
	}
	struct note *note = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (note == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(fd); /* the mapping stays */
	if (argc > 1) { /* one writer at a time here: no lock (a real program needs one) */
		snprintf(note->text, sizeof note->text, "%s", argv[1]);
		note->writer = getpid();
	} else if (note->writer == 0)
		printf("pid %d reads: (nothing yet)\n", (int)getpid());
	else
		printf("pid %d reads: %s (left by pid %d)\n", (int)getpid(), note->text, (int)note->writer);
	return munmap(note, SIZE) == 0 ? 0 : 1;
}
