package dev.authbackup.common.rest;

import io.quarkus.arc.Arc;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The methods a path supports, for the {@code Allow} header a 405 answer must carry (RFC 9110 §15.5.6). The REST
 * layer answers 405 without it, although it knows the methods: it lists them for {@code OPTIONS}. They are read once
 * from the JAX-RS resource classes: each class's {@code @Path} with each of its methods' {@code @Path} and HTTP method.
 * As for {@code OPTIONS}, {@code HEAD} comes with {@code GET}, and {@code OPTIONS} is always allowed.
 */
public final class AllowedMethods {

    /** A JAX-RS path parameter: {@code {name}} or {@code {name: regex}}. */
    private static final Pattern PARAMETER =
            Pattern.compile("\\{\\s*\\w[\\w.-]*\\s*(?::\\s*((?:[^{}]|\\{[^{}]*})*))?}");

    private record Route(Pattern path, String method) {
    }

    private final List<Route> routes;

    private AllowedMethods(List<Route> routes) {
        this.routes = routes;
    }

    /** The resource classes of this application: the beans whose class carries {@code @Path}. */
    public static AllowedMethods ofThisApplication() {
        List<Class<?>> resources = new ArrayList<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            if (bean.getBeanClass().isAnnotationPresent(Path.class)) {
                resources.add(bean.getBeanClass());
            }
        }
        return of(resources);
    }

    public static AllowedMethods of(Collection<Class<?>> resources) {
        List<Route> routes = new ArrayList<>();
        for (Class<?> resource : resources) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getMethods()) {
                String verb = httpMethod(method);
                if (verb != null) {
                    Path sub = method.getAnnotation(Path.class);
                    routes.add(new Route(template(sub == null ? base : base + "/" + sub.value()), verb));
                }
            }
        }
        return new AllowedMethods(List.copyOf(routes));
    }

    /** The {@code Allow} value for a request path, such as {@code "GET, HEAD, OPTIONS"}; empty if no route has it. */
    public String allow(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(path).matches()) {
                methods.add(route.method());
            }
        }
        if (methods.isEmpty()) {
            return "";
        }
        if (methods.contains(HttpMethod.GET)) {
            methods.add(HttpMethod.HEAD);
        }
        methods.add(HttpMethod.OPTIONS);
        return String.join(", ", methods);
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** A path template as a pattern: literal text quoted, each parameter its own regex or one segment. */
    static Pattern template(String template) {
        String path = "/" + template.replaceAll("/+", "/").replaceAll("^/|/$", "");
        StringBuilder regex = new StringBuilder();
        Matcher parameter = PARAMETER.matcher(path);
        int at = 0;
        while (parameter.find()) {
            regex.append(Pattern.quote(path.substring(at, parameter.start())));
            regex.append("(?:").append(parameter.group(1) == null ? "[^/]+" : parameter.group(1).trim()).append(')');
            at = parameter.end();
        }
        regex.append(Pattern.quote(path.substring(at))).append("/?");
        return Pattern.compile(regex.toString());
    }
}
