// report placeholder
