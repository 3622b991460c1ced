/*
 * stats.h -- the public statistics object (stats_api.c), shared with the
 * EM driver (em.c) so that a gmix_em can step on statistics the caller
 * gathered.
 */
#ifndef GMIX_STATS_H
#define GMIX_STATS_H

#include "engine.h"

struct gmix_stats {
  gmix_model *model; /* the parameters the rows are scored under      */
  gmix__engine *eng; /* sized for the last accumulate (rows per chunk) */
  double *buf;       /* layout.size doubles: the statistics           */
  double *shift;     /* K x d: centres the statistics are taken around */
  double *delta;     /* K x d: M-step work space                       */
  gmix__stats_layout layout;
  size_t threads; /* of the passes; 0 = all available               */
};

#endif /* GMIX_STATS_H */
