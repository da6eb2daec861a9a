#!/usr/bin/env bash
# After run.sh: interleaved before/after single-thread search CPU time per query, and the thread modes.
while ! grep -q "ALL DONE" /tmp/arch-bench/log.txt; do sleep 10; done
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
BEFORE=/tmp/arch-before/bench/target/benchmarks.jar
AFTER=/tmp/arch-after.jar
OUT=/tmp/arch-bench
J="java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g"
cpu() { # label jar dataset metric run
  echo "== $1 cpu $3 run $5 start $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
  $J -cp /tmp/arch-tm-classes:$2 dev.quiver.bench.hnsw.SearchCpuRunner /work/shared/datasets/$3 $4 efs=40,80,200 rounds=7 > $OUT/cpu-$3-$1-$5.txt 2>&1
  echo "== $1 cpu $3 run $5 end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
}
tm() {
  echo "== $1 threadmode2 start $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
  $J -cp /tmp/arch-tm-classes:$2 dev.quiver.bench.hnsw.ThreadModeRunner synthetic:50000:16 ef=200 queries=300 rounds=5 > $OUT/threadmode2-$1.txt 2>&1
  echo "== $1 threadmode2 end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
}
for r in 1 2; do cpu before $BEFORE bigann-10k euclidean $r; cpu after $AFTER bigann-10k euclidean $r; done
tm before $BEFORE; tm after $AFTER
cpu before $BEFORE wordnet-minilm-384 cosine 1; cpu after $AFTER wordnet-minilm-384 cosine 1
echo "CPU DONE $(date -u +%H:%M:%S)" >> $OUT/log.txt
