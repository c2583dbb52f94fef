/**
 * Deliberately bad classes, each breaking one rule of {@code ArchitectureTest}, which checks that its
 * rules report them. Never used by the service or other tests; the annotated ones are inner
 * (non-static) classes, which Spring's component scan does not register.
 */
package org.bankapi.archfixture;
