package org.bankapi.archfixture.shop;

/** Breaks nothing: the shop's own use of its view. */
public class OrderService {

    public OrderView view(long id) {
        return new OrderView(id, "1.00");
    }
}
