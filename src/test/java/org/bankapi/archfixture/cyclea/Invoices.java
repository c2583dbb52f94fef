package org.bankapi.archfixture.cyclea;

import org.bankapi.archfixture.cycleb.Payments;

/** Breaks the no-cycles rule: depends on cycleb, which depends back on cyclea. */
public class Invoices {

    public Payments payments;
}
