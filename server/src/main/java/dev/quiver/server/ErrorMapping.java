package dev.quiver.server;

import dev.quiver.ClosedDatabaseException;
import dev.quiver.CollectionExistsException;
import dev.quiver.CorruptDataException;
import dev.quiver.DatabaseLockedException;
import dev.quiver.DatabaseNotFoundException;
import dev.quiver.DimensionMismatchException;
import dev.quiver.DuplicateIdException;
import dev.quiver.InvalidArgumentException;
import dev.quiver.InvalidCollectionNameException;
import dev.quiver.InvalidFilterException;
import dev.quiver.InvalidMetricException;
import dev.quiver.NotFoundException;
import dev.quiver.QuiverException;
import dev.quiver.StorageException;

/**
 * Maps engine exceptions to HTTP statuses and error types: 400 bad input, 404 unknown collection or id, 409 an
 * existing collection or id, 423 a database locked by another process, 500 storage and corruption. The engine's
 * message (the vctrs text where one exists) is kept as the error text.
 */
final class ErrorMapping {

    private ErrorMapping() {
    }

    static ApiException of(Throwable t) {
        return switch (t) {
            case ApiException api -> api;
            case DimensionMismatchException e -> new ApiException(400, "dimension_mismatch", e.getMessage(), e);
            case InvalidFilterException e -> new ApiException(400, "invalid_filter", e.getMessage(), e);
            case InvalidMetricException e -> new ApiException(400, "invalid_metric", e.getMessage(), e);
            case InvalidCollectionNameException e ->
                    new ApiException(400, "invalid_collection_name", e.getMessage(), e);
            case InvalidArgumentException e -> new ApiException(400, "invalid_argument", e.getMessage(), e);
            case DatabaseNotFoundException e -> new ApiException(404, "collection_not_found", e.getMessage(), e);
            case NotFoundException e -> new ApiException(404, "not_found", e.getMessage(), e);
            case CollectionExistsException e -> new ApiException(409, "collection_exists", e.getMessage(), e);
            case DuplicateIdException e -> new ApiException(409, "duplicate_id", e.getMessage(), e);
            case DatabaseLockedException e -> new ApiException(423, "locked", e.getMessage(), e);
            // A handle closed under the request: the collection was deleted, or the server is stopping.
            case ClosedDatabaseException e -> new ApiException(503, "closed", e.getMessage(), e);
            case CorruptDataException e -> new ApiException(500, "corrupt_data", e.getMessage(), e);
            case StorageException e -> new ApiException(500, "storage", e.getMessage(), e);
            case QuiverException e -> new ApiException(500, "internal", e.getMessage(), e);
            default -> new ApiException(500, "internal", "internal error: " + t, t);
        };
    }
}
