#!/usr/bin/env bash
# Interleaved before/after runs of the ANN harness (quiver, float32) and the thread-mode runner.
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
BEFORE=/tmp/arch-before/bench/target/benchmarks.jar
AFTER=/tmp/arch-after.jar
OUT=/tmp/arch-bench
J="java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djvector.physical_core_count=2 -Djvector.vectorization_provider=panama -Xmx6g -Dquiver.datasets=/work/shared/datasets"
ann() { # label jar dataset run
  echo "== $1 $3 run $4 start $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
  $J -cp $2 dev.quiver.bench.ann.AnnBenchmark --dataset $3 --engines quiver --ef 40,80,200 --csv $OUT/$3-$1-$4.csv > $OUT/$3-$1-$4.txt 2>&1
  echo "== $1 $3 run $4 end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
}
tm() { # label jar
  echo "== $1 threadmode start $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
  $J -cp $2:/tmp/arch-tm-classes dev.quiver.bench.hnsw.ThreadModeRunner synthetic:200000:16 ef=200 queries=500 rounds=5 > $OUT/threadmode-$1.txt 2>&1
  echo "== $1 threadmode end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
}
for r in 1 2 3; do ann before $BEFORE bigann-10k $r; ann after $AFTER bigann-10k $r; done
tm before $BEFORE; tm after $AFTER
for r in 1 2 3; do ann before $BEFORE wordnet-minilm-384 $r; ann after $AFTER wordnet-minilm-384 $r; done
echo "ALL DONE $(date -u +%H:%M:%S)" >> $OUT/log.txt
