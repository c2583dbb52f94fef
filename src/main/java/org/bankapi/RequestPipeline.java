package org.bankapi;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.time.Clock;
import org.bankapi.audit.AuditFilter;
import org.bankapi.audit.AuditLog;
import org.bankapi.config.ProcessSettings;
import org.bankapi.idempotency.IdempotencyFilter;
import org.bankapi.ledger.KeyClaims;
import org.bankapi.ratelimit.RateLimitFilter;
import org.bankapi.ratelimit.RateLimitSettings;
import org.bankapi.warmup.RehearsalFilter;
import org.bankapi.warmup.Warmup;
import org.bankapi.web.BodyLimitFilter;
import org.bankapi.web.ConsumeModeFilter;
import org.bankapi.web.PrincipalLogFilter;
import org.bankapi.web.RequestIdFilter;
import org.bankapi.web.RequestOutcomeFilter;
import org.bankapi.web.TransientFailureFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every servlet filter of the service, in the order a request meets them, around Boot's own filters
 * and Spring Security's chain (docs/request-pipeline.md explains each channel). The filters share
 * nothing but the channels in the table: {@code LogFields} (MDC), {@code AnsweredProblem},
 * {@code CachedBodyRequest.bodyOf}, the {@code RequestKey}s and {@code Reply.wasReplayed}.
 *
 * <pre>
 * order    filter                   reads                                      writes
 * MIN      RequestIdFilter          X-Request-Id                               MDC http.request.id, X-Request-Id
 * MIN      (Boot) character encoding
 * MIN+1    (Boot) http.server.requests observation
 * MIN+2    RehearsalFilter          X-Bank-Rehearsal (the warm-up's token)     Rehearsal (the engine rolls back)
 * MIN+3    RequestOutcomeFilter     AnsweredProblem (takes), status            api_errors_total, log line; clears MDC user.id
 * MIN+4    TransientFailureFilter   exceptions escaping a later filter         503 temporarily_unavailable
 * MIN+5    ConsumeModeFilter        path (only in the consume process)         404 not_found
 * MIN+6    BodyLimitFilter          body, at most 64 KiB                       413, CachedBodyRequest
 * MIN+7    AuditFilter              status, MDC, AnsweredProblem,              audit row
 *                                   AuditLog.RECORDED, Reply.wasReplayed
 * -105     (Boot) request context                                              RequestContextHolder
 * -100     Spring Security          bearer token                               SecurityContext, 401, 403
 * -99      PrincipalLogFilter       SecurityContext                            MDC user.id
 * -98      RateLimitFilter          SecurityContext, MoneyPaths                429 rate_limited
 * -97      IdempotencyFilter        SecurityContext, MoneyPaths,               IdempotencyClaim.ATTRIBUTE, replay, 409
 *                                   CachedBodyRequest.bodyOf
 * </pre>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class RequestPipeline {

    /** Spring Security's chain (Boot's default; {@code spring.security.filter.order} is not set). */
    static final int SECURITY = SecurityFilterProperties.DEFAULT_FILTER_ORDER;

    /** Ties with Boot's character-encoding filter, which comes second: registrations precede plain filter beans. */
    static final int REQUEST_ID = Ordered.HIGHEST_PRECEDENCE;
    /** Just inside Boot's http.server.requests observation (HIGHEST_PRECEDENCE + 1), outside all that reads it. */
    static final int REHEARSAL = Ordered.HIGHEST_PRECEDENCE + 2;

    static final int OUTCOME = REHEARSAL + 1;

    static final int TRANSIENT_FAILURES = OUTCOME + 1;
    static final int CONSUME_MODE = OUTCOME + 2;
    static final int BODY_LIMIT = OUTCOME + 3;
    /** Before Spring Security, so that it sees the 401s. */
    static final int AUDIT = OUTCOME + 4;

    static final int PRINCIPAL_LOG = SECURITY + 1;
    static final int RATE_LIMIT = SECURITY + 2;
    static final int IDEMPOTENCY = SECURITY + 3;

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        return at(REQUEST_ID, new RequestIdFilter());
    }

    @Bean
    FilterRegistrationBean<RehearsalFilter> rehearsalFilter(Warmup warmup) {
        return at(REHEARSAL, new RehearsalFilter(warmup));
    }

    @Bean
    FilterRegistrationBean<RequestOutcomeFilter> requestOutcomeFilter(MeterRegistry registry) {
        return at(OUTCOME, new RequestOutcomeFilter(registry));
    }

    @Bean
    FilterRegistrationBean<TransientFailureFilter> transientFailureFilter() {
        return at(TRANSIENT_FAILURES, new TransientFailureFilter());
    }

    /** Registered in the consume process only. */
    @Bean
    FilterRegistrationBean<ConsumeModeFilter> consumeModeFilter(ProcessSettings process) {
        FilterRegistrationBean<ConsumeModeFilter> registration = at(CONSUME_MODE, new ConsumeModeFilter());
        registration.setEnabled(process.consumes());
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter() {
        return at(BODY_LIMIT, new BodyLimitFilter());
    }

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AuditLog audit, Clock clock, MeterRegistry registry) {
        return at(AUDIT, new AuditFilter(audit, clock, registry));
    }

    @Bean
    FilterRegistrationBean<PrincipalLogFilter> principalLogFilter() {
        return at(PRINCIPAL_LOG, new PrincipalLogFilter());
    }

    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimitSettings settings) {
        return at(RATE_LIMIT, new RateLimitFilter(settings));
    }

    @Bean
    FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
            KeyClaims keys, TransactionTemplate inTransaction, Clock clock) {
        return at(IDEMPOTENCY, new IdempotencyFilter(keys, inTransaction, clock));
    }

    private static <F extends Filter> FilterRegistrationBean<F> at(int order, F filter) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(order);
        // once per request, which RequestFilter relies on: not again on the error page's dispatch
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }
}
