package org.bankapi.archfixture.shop;

/** An HTTP record of the shop feature. */
public record OrderView(long id, String amount) {}
