# gmix.pc, installed in <libdir>/pkgconfig.
#
# Relocatable: prefix is ${pcfiledir} followed by the path from
# <libdir>/pkgconfig back up to the prefix. That path depends only on
# CMAKE_INSTALL_LIBDIR (one more ".." for a multiarch lib/x86_64-linux-gnu),
# not on where the tree is installed, so it is fixed here and the installed
# tree can be moved. An absolute libdir cannot move with the prefix, so it is
# written as it is.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(GMIX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH GMIX_PC_UP "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
       "${CMAKE_INSTALL_PREFIX}")
  string(REGEX REPLACE "/$" "" GMIX_PC_UP "${GMIX_PC_UP}")
  set(GMIX_PC_PREFIX "\${pcfiledir}/${GMIX_PC_UP}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(GMIX_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(GMIX_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()

# A static link of libgmix.a also needs what the library links privately
# (cmake/Dependencies.cmake). A dependency with a .pc file goes to
# Requires.private, so that its own private libraries follow it; one without
# is named by the folder and name it was found under.
set(GMIX_PC_REQUIRES_PRIVATE "")
set(GMIX_PC_LIBS_PRIVATE "")
macro(gmix_pc_private module library)
  pkg_check_modules(GMIX_PC_${module} QUIET ${module})
  if(GMIX_PC_${module}_FOUND)
    string(APPEND GMIX_PC_REQUIRES_PRIVATE " ${module}")
  else()
    get_filename_component(GMIX_PC_DIR "${library}" DIRECTORY)
    string(APPEND GMIX_PC_LIBS_PRIVATE " -L${GMIX_PC_DIR} -l${module}")
  endif()
endmacro()
gmix_pc_private(openblas "${GMIX_OPENBLAS_LIB}")
gmix_pc_private(lapacke "${GMIX_LAPACKE_LIB}")
string(APPEND GMIX_PC_REQUIRES_PRIVATE " libcjson")
string(APPEND GMIX_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS} -lm")
string(STRIP "${GMIX_PC_REQUIRES_PRIVATE}" GMIX_PC_REQUIRES_PRIVATE)
string(STRIP "${GMIX_PC_LIBS_PRIVATE}" GMIX_PC_LIBS_PRIVATE)

configure_file(${PROJECT_SOURCE_DIR}/cmake/gmix.pc.in
               ${PROJECT_BINARY_DIR}/gmix.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gmix.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# gmix-mpi.pc, when the distributed fit is built.
if(TARGET gmix_mpi)
  # gmix_mpi.h includes mpi.h: the pkg-config file requires MPI's own module
  # when MPI has one, and otherwise names what CMake found.
  pkg_check_modules(GMIX_PC_MPI QUIET mpi-c)
  if(GMIX_PC_MPI_FOUND)
    set(GMIX_MPI_PC_REQUIRES " mpi-c")
    set(GMIX_MPI_PC_CFLAGS "")
    set(GMIX_MPI_PC_LIBS "")
  else()
    set(GMIX_MPI_PC_REQUIRES "")
    list(TRANSFORM MPI_C_INCLUDE_DIRS PREPEND "-I" OUTPUT_VARIABLE _inc)
    string(JOIN " " GMIX_MPI_PC_CFLAGS ${_inc})
    string(JOIN " " GMIX_MPI_PC_LIBS ${MPI_C_LIBRARIES})
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/gmix-mpi.pc.in
                 ${PROJECT_BINARY_DIR}/gmix-mpi.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/gmix-mpi.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
