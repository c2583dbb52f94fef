package org.bankapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Container;
import org.apache.catalina.core.StandardContext;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.bankapi.support.ApiTest;
import org.bankapi.web.RequestFilter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** The filters as the running server applies them are the table of {@link RequestPipeline} and docs/request-pipeline.md. */
class RequestPipelineTest extends ApiTest {

    @Autowired
    ServletWebServerApplicationContext context;

    /** The filter mappings of the one web application, in the order Tomcat runs them for a request. */
    private List<String> filtersInTomcatsOrder() {
        TomcatWebServer server = (TomcatWebServer) context.getWebServer();
        Container[] contexts = server.getTomcat().getHost().findChildren();
        assertThat(contexts).hasSize(1);
        return Arrays.stream(((StandardContext) contexts[0]).findFilterMaps())
                .map(FilterMap::getFilterName)
                .toList();
    }

    @Test
    void aRequestMeetsTheFiltersInTheDocumentedOrder() {
        assertThat(filtersInTomcatsOrder())
                .containsExactly(
                        "requestIdFilter",
                        "characterEncodingFilter",
                        "webMvcObservationFilter",
                        "rehearsalFilter",
                        "requestOutcomeFilter",
                        "transientFailureFilter",
                        "bodyLimitFilter",
                        "auditFilter",
                        "requestContextFilter",
                        "springSecurityFilterChain",
                        "principalLogFilter",
                        "rateLimitFilter",
                        "idempotencyFilter",
                        "Tomcat WebSocket (JSR356) Filter");
    }

    @Test
    void theServicesOwnFiltersRunOnTheRequestDispatchAloneNotAgainOnAnErrorPage() {
        TomcatWebServer server = (TomcatWebServer) context.getWebServer();
        StandardContext web = (StandardContext) server.getTomcat().getHost().findChildren()[0];
        List<String> ours = context.getBeansOfType(FilterRegistrationBean.class).values().stream()
                .filter(registration -> registration.getFilter() instanceof RequestFilter)
                .map(FilterRegistrationBean::getFilterName)
                .toList();
        assertThat(ours).contains("requestIdFilter", "auditFilter", "idempotencyFilter");
        for (FilterMap map : web.findFilterMaps()) {
            if (ours.contains(map.getFilterName())) {
                assertThat(map.getDispatcherNames()).as(map.getFilterName()).containsExactly("REQUEST");
            }
        }
    }

    @Test
    void theConsumeProcessRefusesAfterTheTransientFailureGuardAndBeforeTheBodyIsRead() {
        var consume = new RequestPipeline()
                .consumeModeFilter(
                        Settings.from(Map.of("bank.command", "consume")::get).process());
        assertThat(consume.isEnabled()).isTrue();
        int consumeMode = consume.getOrder();
        assertThat(consumeMode)
                .isGreaterThan(RequestPipeline.TRANSIENT_FAILURES)
                .isLessThan(RequestPipeline.BODY_LIMIT);
    }
}
