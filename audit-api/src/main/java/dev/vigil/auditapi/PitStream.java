package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The hits of one query through a point in time, {@code pageSize} per request with
 * {@code search_after}: only the current page is held, so an export of any size streams. The sort
 * must be total (end with {@code _shard_doc}). An unreachable Elasticsearch surfaces as
 * {@link UncheckedIOException} from {@link #hasNext()}.
 */
final class PitStream<T> implements Iterator<Hit<T>> {

    private final ElasticsearchClient client;
    private final String pitId;
    private final String keepAlive;
    private final Query query;
    private final List<SortOptions> sort;
    private final int pageSize;
    private final Class<T> type;
    private List<Hit<T>> page = List.of();
    private int index;
    private List<FieldValue> after;
    private boolean done;

    PitStream(
            ElasticsearchClient client,
            String pitId,
            String keepAlive,
            Query query,
            List<SortOptions> sort,
            int pageSize,
            Class<T> type) {
        this.client = client;
        this.pitId = pitId;
        this.keepAlive = keepAlive;
        this.query = query;
        this.sort = sort;
        this.pageSize = pageSize;
        this.type = type;
    }

    @Override
    public boolean hasNext() {
        if (index < page.size()) {
            return true;
        }
        if (done) {
            return false;
        }
        try {
            SearchResponse<T> r = client.search(
                    s -> {
                        s.pit(p -> p.id(pitId).keepAlive(k -> k.time(keepAlive)))
                                .query(query)
                                .sort(sort)
                                .size(pageSize)
                                .trackTotalHits(t -> t.enabled(false));
                        if (after != null) {
                            s.searchAfter(after);
                        }
                        return s;
                    },
                    type);
            page = r.hits().hits();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        index = 0;
        if (page.size() < pageSize) {
            done = true;
        }
        if (!page.isEmpty()) {
            after = page.getLast().sort();
        }
        return index < page.size();
    }

    @Override
    public Hit<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return page.get(index++);
    }
}
