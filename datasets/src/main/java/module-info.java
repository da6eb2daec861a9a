/**
 * Vector data files: the TEXMEX formats (fvecs, ivecs) and where the project's shared data sets live. Used by the
 * benchmarks, the tests and the command-line tool; depends on nothing outside java.base.
 */
module dev.quiver.datasets {
    exports dev.quiver.datasets;
}
