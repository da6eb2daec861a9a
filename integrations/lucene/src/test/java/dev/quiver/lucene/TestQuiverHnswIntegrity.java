package dev.quiver.lucene;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** A flipped byte in the format's files is caught: by checkIntegrity in the data file, at open in the metadata. */
public class TestQuiverHnswIntegrity extends LuceneTestCase {

    private Path writeIndex(Random r) throws IOException {
        Path path = createTempDir("quiver-corrupt");
        Codec codec = TestUtil.alwaysKnnVectorsFormat(new QuiverHnswVectorsFormat(8, 32, 1));
        IndexWriterConfig iwc = new IndexWriterConfig().setCodec(codec).setUseCompoundFile(false)
                .setMergePolicy(NoMergePolicy.INSTANCE);
        try (Directory dir = FSDirectory.open(path); IndexWriter w = new IndexWriter(dir, iwc)) {
            for (int i = 0; i < 300; i++) {
                float[] v = new float[17];
                for (int j = 0; j < v.length; j++) {
                    v[j] = r.nextFloat();
                }
                Document d = new Document();
                d.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.EUCLIDEAN));
                w.addDocument(d);
            }
            w.commit();
        }
        return path;
    }

    private static Path only(Path dir, String extension) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith("." + extension)).toList();
            assertEquals("files ending ." + extension + ": " + found, 1, found.size());
            return found.get(0);
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) at] ^= 0x5A;
        Files.write(file, bytes);
    }

    public void testCorruptDataFileFailsCheckIntegrity() throws IOException {
        Random r = new Random(random().nextLong());
        Path path = writeIndex(r);
        Path data = only(path, QuiverHnswVectorsFormat.DATA_EXTENSION);
        long size = Files.size(data);
        // Anywhere past the header and before the footer: vectors, norms or graph.
        flipByte(data, 100 + (long) (r.nextDouble() * (size - 100 - 16)));
        try (Directory dir = new MMapDirectory(path); DirectoryReader reader = DirectoryReader.open(dir)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                CodecReader codecReader = (CodecReader) leaf.reader();
                expectThrows(CorruptIndexException.class, codecReader::checkIntegrity);
                expectThrows(CorruptIndexException.class, () -> codecReader.getVectorReader().checkIntegrity());
            }
        }
    }

    public void testCorruptMetadataFailsAtOpen() throws IOException {
        Random r = new Random(random().nextLong());
        Path path = writeIndex(r);
        Path meta = only(path, QuiverHnswVectorsFormat.META_EXTENSION);
        long size = Files.size(meta);
        flipByte(meta, size - 17); // the last entry's bytes, just before the footer
        try (Directory dir = new MMapDirectory(path)) {
            expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
        }
    }

    public void testIntactIndexPassesCheckIntegrity() throws IOException {
        Path path = writeIndex(new Random(random().nextLong()));
        try (Directory dir = new MMapDirectory(path); DirectoryReader reader = DirectoryReader.open(dir)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                CodecReader codecReader = (CodecReader) leaf.reader();
                codecReader.checkIntegrity();
                // MMapDirectory offers its mapping: the field is searched in place, not from a copy.
                KnnVectorsReader vectors = codecReader.getVectorReader();
                if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
                    vectors = perField.getFieldReader("v");
                }
                assertTrue("zero-copy over MMapDirectory", ((QuiverHnswVectorsReader) vectors).isMapped("v"));
            }
            assertEquals(300, reader.numDocs());
        }
    }
}
