/*
 * mpi_version.c -- a program built against an installed libgmix_mpi
 * (gmix-mpi.pc, or find_package(gmix COMPONENTS mpi)). Built, not run:
 * the install test checks that the header, the library and MPI's flags
 * are found and that the program links libgmix_mpi and libgmix.
 */
#include <stdio.h>

#include <gmix_mpi.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  double one = 1.0;
  gmix_status st = gmix_mpi_sum(MPI_COMM_SELF, &one, 1, NULL);
  printf("%s %s\n", gmix_version(), gmix_strerror(st));
  MPI_Finalize();
  return st == GMIX_OK ? 0 : 1;
}
