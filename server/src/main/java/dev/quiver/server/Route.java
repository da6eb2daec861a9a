package dev.quiver.server;

import java.util.List;
import java.util.Set;

/**
 * Every route the server answers. vctrs's own first, unchanged in path and JSON shape; then Quiver's additions.
 * {@link #template} is also the metrics label.
 */
enum Route {
    HEALTHZ("GET", "/healthz"),
    METRICS("GET", "/metrics"),
    LIST_COLLECTIONS("GET", "/collections"),
    CREATE_COLLECTION("POST", "/collections"),
    COLLECTION_CONFIG("GET", "/collections/{name}"),
    DELETE_COLLECTION("DELETE", "/collections/{name}"),
    ADD("POST", "/collections/{name}/add"),
    UPSERT("POST", "/collections/{name}/upsert"),
    ADD_MANY("POST", "/collections/{name}/add_many"),
    UPSERT_MANY("POST", "/collections/{name}/upsert_many"),
    UPDATE("POST", "/collections/{name}/update"),
    DELETE_MANY("POST", "/collections/{name}/delete_many"),
    SEARCH("POST", "/collections/{name}/search"),
    SEARCH_MANY("POST", "/collections/{name}/search_many"),
    COUNT("GET", "/collections/{name}/count"),
    COUNT_FILTERED("POST", "/collections/{name}/count"),
    SAVE("POST", "/collections/{name}/save"),
    COMPACT("POST", "/collections/{name}/compact"),
    STATS("GET", "/collections/{name}/stats"),
    EXPORT("GET", "/collections/{name}/export"),
    IMPORT("POST", "/collections/{name}/import"),
    GET("GET", "/collections/{name}/get/{id}"),
    DELETE("DELETE", "/collections/{name}/delete/{id}");

    /** The label used for requests that match no route. */
    static final String UNMATCHED = "unmatched";

    final String method;
    final String template;
    private final String[] parts;

    Route(String method, String template) {
        this.method = method;
        this.template = template;
        this.parts = template.substring(1).split("/");
    }

    /** A matched route with its path parameters (null when the route has none). */
    record Match(Route route, String name, String id) { }

    /**
     * Finds the route of a request.
     *
     * @param method   the request method; HEAD matches the GET routes (answered without a body, as vctrs's axum does)
     * @param segments the decoded path segments, without empty ones from leading or trailing slashes
     * @throws ApiException 404 {@code route_not_found}, or 405 {@code method_not_allowed} naming the allowed methods
     */
    static Match match(String method, List<String> segments) {
        Set<String> allowed = new java.util.TreeSet<>();
        String wanted = "HEAD".equals(method) ? "GET" : method;
        for (Route r : values()) {
            if (!r.matchesPath(segments)) {
                continue;
            }
            if (r.method.equals(wanted)) {
                String name = segments.size() > 1 ? segments.get(1) : null;
                String id = segments.size() > 3 ? segments.get(3) : null;
                return new Match(r, name, id);
            }
            allowed.add(r.method);
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(405, "method_not_allowed", "method " + method + " not allowed on /"
                    + String.join("/", segments) + "; allowed: " + String.join(", ", allowed));
        }
        throw new ApiException(404, "route_not_found", "no route for " + method + " /" + String.join("/", segments));
    }

    /** Methods answered on a path (for CORS preflight). */
    static Set<String> methodsFor(List<String> segments) {
        Set<String> allowed = new java.util.TreeSet<>();
        for (Route r : values()) {
            if (r.matchesPath(segments)) {
                allowed.add(r.method);
            }
        }
        return allowed;
    }

    /** The {@code Allow} header of a path: its routes' methods, with HEAD wherever GET is answered. */
    static String allowHeader(List<String> segments) {
        Set<String> methods = methodsFor(segments);
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return String.join(", ", methods);
    }

    private boolean matchesPath(List<String> segments) {
        if (segments.size() != parts.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (!part.startsWith("{") && !part.equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }
}
