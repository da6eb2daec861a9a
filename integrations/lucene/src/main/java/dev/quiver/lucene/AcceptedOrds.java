package dev.quiver.lucene;

import dev.quiver.internal.hnsw.SlotFilter;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntConsumer;

/**
 * Lucene's accept docs (live docs and any filter) as the engine's ordinal filter: the graph walk asks
 * {@link #accept} per neighbour (one bit test through the ordinal-to-doc map); the exact scan enumerates the
 * accepted docs through the filter's iterator instead of testing every ordinal.
 */
final class AcceptedOrds implements SlotFilter {

    private final SegmentField field;
    private final Bits bits;
    private final AcceptDocs acceptDocs;

    AcceptedOrds(SegmentField field, Bits bits, AcceptDocs acceptDocs) {
        this.field = field;
        this.bits = bits;
        this.acceptDocs = acceptDocs;
    }

    @Override
    public boolean accept(int ord) {
        return bits.get(field.ordToDoc(ord));
    }

    @Override
    public boolean forEachAccepted(int limit, IntConsumer consumer) {
        try {
            DocIdSetIterator it = acceptDocs.iterator();
            if (it == null) {
                return false;
            }
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                int ord = field.docToOrd(doc);
                if (ord >= 0 && ord < limit) {
                    consumer.accept(ord);
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
