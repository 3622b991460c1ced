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
# The header of the same flavour first; the generic /usr/include/ARCH/cblas.h
# is an alternatives link that may point to another flavour or be absent.
get_filename_component(GMIX_OPENBLAS_DIR ${GMIX_OPENBLAS_LIB} DIRECTORY)
get_filename_component(GMIX_OPENBLAS_FLAVOUR ${GMIX_OPENBLAS_DIR} NAME)
find_path(GMIX_CBLAS_INCLUDE cblas.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/${GMIX_OPENBLAS_FLAVOUR}
        /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp
        /usr/include/${CMAKE_LIBRARY_ARCHITECTURE} /usr/include
  NO_DEFAULT_PATH REQUIRED)
find_library(GMIX_LAPACKE_LIB NAMES lapacke REQUIRED)
find_path(GMIX_LAPACKE_INCLUDE lapacke.h REQUIRED)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
