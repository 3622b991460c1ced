# Third-party libraries, all from Debian packages (the Makefile installs
# them). OpenBLAS is taken in its OpenMP flavour so that BLAS calls made
# inside gmix's own parallel regions run single-threaded instead of
# oversubscribing the cores.
find_package(OpenMP REQUIRED COMPONENTS C)
find_package(PkgConfig REQUIRED)

find_library(GMIX_OPENBLAS_LIB NAMES openblas
  PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp
  NO_DEFAULT_PATH)
if(NOT GMIX_OPENBLAS_LIB)
  message(WARNING "OpenMP OpenBLAS (libopenblas-openmp-dev) not found; "
                  "falling back to the default OpenBLAS")
  find_library(GMIX_OPENBLAS_LIB NAMES openblas REQUIRED)
endif()
find_path(GMIX_CBLAS_INCLUDE cblas.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE} /usr/include REQUIRED)
find_library(GMIX_LAPACKE_LIB NAMES lapacke REQUIRED)
find_path(GMIX_LAPACKE_INCLUDE lapacke.h REQUIRED)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
