#!/usr/bin/env bash
# A second interleaved pair of wordnet CPU-time runs (after first this time, to cancel drift).
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
OUT=/tmp/arch-bench
J="java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g"
cpu() {
  echo "== $1 cpu $3 run $5 start $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
  $J -cp /tmp/arch-tm-classes:$2 dev.quiver.bench.hnsw.SearchCpuRunner /work/shared/datasets/$3 $4 efs=40,80,200 rounds=7 > $OUT/cpu-$3-$1-$5.txt 2>&1
  echo "== $1 cpu $3 run $5 end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
}
cpu after /tmp/arch-after.jar wordnet-minilm-384 cosine 2
cpu before /tmp/arch-before/bench/target/benchmarks.jar wordnet-minilm-384 cosine 2
echo "CPU2 DONE $(date -u +%H:%M:%S)" >> $OUT/log.txt
